# Rendered by: gnuplot curves.gp (run from this directory)
set terminal pngcairo size 1400,1900 noenhanced font 'Sans,11'
set output 'curves.png'
set datafile separator ','
set key autotitle columnhead
set grid lc rgb '#dddddd'
set multiplot layout 4,2 title 'League (quick scale): every rule at its chosen learning rate; MLP 784-256-256-256-10 tanh, and the invertible tower'
set key font ',8'
set title 'MLP MNIST: test error against training time (seed 1)'
set xlabel 'training time (s, log scale)'
set ylabel 'test error (%, log scale)'
set xtics auto
set autoscale
set logscale xy
unset key
set autoscale yfix
set offsets 0, 0, graph 0.05, graph 0.05
set ytics (0.3, 0.4, 0.5, 0.7, 1, 1.5, 2, 3, 4, 5, 7, 10, 15, 20, 30, 40, 50, 70, 100)
plot 'curves.csv' using (column(2) > 0 ? column(2) : NaN):(100 - column(3)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#000000' title 'BP', \
     'curves.csv' using (column(5) > 0 ? column(5) : NaN):(100 - column(6)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#1f77b4' title 'FA', \
     'curves.csv' using (column(8) > 0 ? column(8) : NaN):(100 - column(9)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#17becf' title 'KP', \
     'curves.csv' using (column(11) > 0 ? column(11) : NaN):(100 - column(12)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#2ca02c' title 'DFA', \
     'curves.csv' using (column(14) > 0 ? column(14) : NaN):(100 - column(15)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#d62728' title 'LRA-E', \
     'curves.csv' using (column(17) > 0 ? column(17) : NaN):(100 - column(18)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#9467bd' title 'Align-prop', \
     'curves.csv' using (column(20) > 0 ? column(20) : NaN):(100 - column(21)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#e377c2' title 'Align-ada', \
     'curves.csv' using (column(23) > 0 ? column(23) : NaN):(100 - column(24)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#ff7f0e' title 'Align-zero', \
     'curves.csv' using (column(26) > 0 ? column(26) : NaN):(100 - column(27)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#8c564b' title 'DFC-SSA (fixed)', \
     'curves.csv' using (column(29) > 0 ? column(29) : NaN):(100 - column(30)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#bcbd22' title 'DFC-SSA', \
     'curves.csv' using (column(32) > 0 ? column(32) : NaN):(100 - column(33)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#7f7f7f' title 'DFC-SS', \
     'curves.csv' using (column(35) > 0 ? column(35) : NaN):(100 - column(36)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#393b79' title 'DFC'
set title 'MLP MNIST: angle of the update to the BP gradient at the end'
set xlabel 'layer (4 = output)'
unset logscale xy
set ylabel 'angle (degrees)'
set xtics 1
set xrange [0.8:4.2]
set yrange [-3:100]
set offsets 0, 0, 0, 0
set ytics auto
set key outside right top font ',8'
plot 'curves.csv' using ($1+1):4 with linespoints lw 2 pt 7 lc rgb '#000000' title 'BP', \
     'curves.csv' using ($1+1):7 with linespoints lw 2 pt 7 lc rgb '#1f77b4' title 'FA', \
     'curves.csv' using ($1+1):10 with linespoints lw 2 pt 7 lc rgb '#17becf' title 'KP', \
     'curves.csv' using ($1+1):13 with linespoints lw 2 pt 7 lc rgb '#2ca02c' title 'DFA', \
     'curves.csv' using ($1+1):16 with linespoints lw 2 pt 7 lc rgb '#d62728' title 'LRA-E', \
     'curves.csv' using ($1+1):19 with linespoints lw 2 pt 7 lc rgb '#9467bd' title 'Align-prop', \
     'curves.csv' using ($1+1):22 with linespoints lw 2 pt 7 lc rgb '#e377c2' title 'Align-ada', \
     'curves.csv' using ($1+1):25 with linespoints lw 2 pt 7 lc rgb '#ff7f0e' title 'Align-zero', \
     'curves.csv' using ($1+1):28 with linespoints lw 2 pt 7 lc rgb '#8c564b' title 'DFC-SSA (fixed)', \
     'curves.csv' using ($1+1):31 with linespoints lw 2 pt 7 lc rgb '#bcbd22' title 'DFC-SSA', \
     'curves.csv' using ($1+1):34 with linespoints lw 2 pt 7 lc rgb '#7f7f7f' title 'DFC-SS', \
     'curves.csv' using ($1+1):37 with linespoints lw 2 pt 7 lc rgb '#393b79' title 'DFC'
set xrange [*:*]
set yrange [*:*]
set title 'MLP F-MNIST: test error against training time (seed 1)'
set xlabel 'training time (s, log scale)'
set ylabel 'test error (%, log scale)'
set xtics auto
set autoscale
set logscale xy
unset key
set autoscale yfix
set offsets 0, 0, graph 0.05, graph 0.05
set ytics (0.3, 0.4, 0.5, 0.7, 1, 1.5, 2, 3, 4, 5, 7, 10, 15, 20, 30, 40, 50, 70, 100)
plot 'curves.csv' using (column(38) > 0 ? column(38) : NaN):(100 - column(39)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#000000' title 'BP', \
     'curves.csv' using (column(41) > 0 ? column(41) : NaN):(100 - column(42)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#1f77b4' title 'FA', \
     'curves.csv' using (column(44) > 0 ? column(44) : NaN):(100 - column(45)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#17becf' title 'KP', \
     'curves.csv' using (column(47) > 0 ? column(47) : NaN):(100 - column(48)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#2ca02c' title 'DFA', \
     'curves.csv' using (column(50) > 0 ? column(50) : NaN):(100 - column(51)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#d62728' title 'LRA-E', \
     'curves.csv' using (column(53) > 0 ? column(53) : NaN):(100 - column(54)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#9467bd' title 'Align-prop', \
     'curves.csv' using (column(56) > 0 ? column(56) : NaN):(100 - column(57)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#e377c2' title 'Align-ada', \
     'curves.csv' using (column(59) > 0 ? column(59) : NaN):(100 - column(60)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#ff7f0e' title 'Align-zero', \
     'curves.csv' using (column(62) > 0 ? column(62) : NaN):(100 - column(63)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#8c564b' title 'DFC-SSA (fixed)', \
     'curves.csv' using (column(65) > 0 ? column(65) : NaN):(100 - column(66)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#bcbd22' title 'DFC-SSA', \
     'curves.csv' using (column(68) > 0 ? column(68) : NaN):(100 - column(69)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#7f7f7f' title 'DFC-SS', \
     'curves.csv' using (column(71) > 0 ? column(71) : NaN):(100 - column(72)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#393b79' title 'DFC'
set title 'MLP F-MNIST: angle of the update to the BP gradient at the end'
set xlabel 'layer (4 = output)'
unset logscale xy
set ylabel 'angle (degrees)'
set xtics 1
set xrange [0.8:4.2]
set yrange [-3:100]
set offsets 0, 0, 0, 0
set ytics auto
set key outside right top font ',8'
plot 'curves.csv' using ($1+1):40 with linespoints lw 2 pt 7 lc rgb '#000000' title 'BP', \
     'curves.csv' using ($1+1):43 with linespoints lw 2 pt 7 lc rgb '#1f77b4' title 'FA', \
     'curves.csv' using ($1+1):46 with linespoints lw 2 pt 7 lc rgb '#17becf' title 'KP', \
     'curves.csv' using ($1+1):49 with linespoints lw 2 pt 7 lc rgb '#2ca02c' title 'DFA', \
     'curves.csv' using ($1+1):52 with linespoints lw 2 pt 7 lc rgb '#d62728' title 'LRA-E', \
     'curves.csv' using ($1+1):55 with linespoints lw 2 pt 7 lc rgb '#9467bd' title 'Align-prop', \
     'curves.csv' using ($1+1):58 with linespoints lw 2 pt 7 lc rgb '#e377c2' title 'Align-ada', \
     'curves.csv' using ($1+1):61 with linespoints lw 2 pt 7 lc rgb '#ff7f0e' title 'Align-zero', \
     'curves.csv' using ($1+1):64 with linespoints lw 2 pt 7 lc rgb '#8c564b' title 'DFC-SSA (fixed)', \
     'curves.csv' using ($1+1):67 with linespoints lw 2 pt 7 lc rgb '#bcbd22' title 'DFC-SSA', \
     'curves.csv' using ($1+1):70 with linespoints lw 2 pt 7 lc rgb '#7f7f7f' title 'DFC-SS', \
     'curves.csv' using ($1+1):73 with linespoints lw 2 pt 7 lc rgb '#393b79' title 'DFC'
set xrange [*:*]
set yrange [*:*]
set title 'tower MNIST: test error against training time (seed 1)'
set xlabel 'training time (s, log scale)'
set ylabel 'test error (%, log scale)'
set xtics auto
set autoscale
set logscale xy
unset key
set autoscale yfix
set offsets 0, 0, graph 0.05, graph 0.05
set ytics (0.3, 0.4, 0.5, 0.7, 1, 1.5, 2, 3, 4, 5, 7, 10, 15, 20, 30, 40, 50, 70, 100)
plot 'curves.csv' using (column(74) > 0 ? column(74) : NaN):(100 - column(75)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#000000' title 'BP', \
     'curves.csv' using (column(77) > 0 ? column(77) : NaN):(100 - column(78)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#d62728' title 'GAIT-prop', \
     'curves.csv' using (column(80) > 0 ? column(80) : NaN):(100 - column(81)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#1f77b4' title 'TP'
set title 'tower MNIST: angle of the update to the BP gradient at the end'
set xlabel 'layer (4 = output)'
unset logscale xy
set ylabel 'angle (degrees)'
set xtics 1
set xrange [0.8:4.2]
set yrange [-3:100]
set offsets 0, 0, 0, 0
set ytics auto
set key outside right top font ',8'
plot 'curves.csv' using ($1+1):76 with linespoints lw 2 pt 7 lc rgb '#000000' title 'BP', \
     'curves.csv' using ($1+1):79 with linespoints lw 2 pt 7 lc rgb '#d62728' title 'GAIT-prop', \
     'curves.csv' using ($1+1):82 with linespoints lw 2 pt 7 lc rgb '#1f77b4' title 'TP'
set xrange [*:*]
set yrange [*:*]
set title 'tower F-MNIST: test error against training time (seed 1)'
set xlabel 'training time (s, log scale)'
set ylabel 'test error (%, log scale)'
set xtics auto
set autoscale
set logscale xy
unset key
set autoscale yfix
set offsets 0, 0, graph 0.05, graph 0.05
set ytics (0.3, 0.4, 0.5, 0.7, 1, 1.5, 2, 3, 4, 5, 7, 10, 15, 20, 30, 40, 50, 70, 100)
plot 'curves.csv' using (column(83) > 0 ? column(83) : NaN):(100 - column(84)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#000000' title 'BP', \
     'curves.csv' using (column(86) > 0 ? column(86) : NaN):(100 - column(87)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#d62728' title 'GAIT-prop', \
     'curves.csv' using (column(89) > 0 ? column(89) : NaN):(100 - column(90)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#1f77b4' title 'TP'
set title 'tower F-MNIST: angle of the update to the BP gradient at the end'
set xlabel 'layer (4 = output)'
unset logscale xy
set ylabel 'angle (degrees)'
set xtics 1
set xrange [0.8:4.2]
set yrange [-3:100]
set offsets 0, 0, 0, 0
set ytics auto
set key outside right top font ',8'
plot 'curves.csv' using ($1+1):85 with linespoints lw 2 pt 7 lc rgb '#000000' title 'BP', \
     'curves.csv' using ($1+1):88 with linespoints lw 2 pt 7 lc rgb '#d62728' title 'GAIT-prop', \
     'curves.csv' using ($1+1):91 with linespoints lw 2 pt 7 lc rgb '#1f77b4' title 'TP'
set xrange [*:*]
set yrange [*:*]
unset multiplot
