# Rendered by: gnuplot curves-full.gp (run from this directory)
set terminal pngcairo size 1400,1900 noenhanced font 'Sans,11'
set output 'curves-full.png'
set datafile separator ','
set key autotitle columnhead
set grid lc rgb '#dddddd'
set multiplot layout 4,2 title 'League (full scale): every rule at its chosen learning rate; MLP 784-256-256-256-10 tanh, and the invertible tower'
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
plot 'curves-full.csv' using (column(2) > 0 ? column(2) : NaN):(100 - column(3)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#000000' title 'BP', \
     'curves-full.csv' using (column(5) > 0 ? column(5) : NaN):(100 - column(6)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#1f77b4' title 'FA', \
     'curves-full.csv' using (column(8) > 0 ? column(8) : NaN):(100 - column(9)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#17becf' title 'KP', \
     'curves-full.csv' using (column(11) > 0 ? column(11) : NaN):(100 - column(12)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#2ca02c' title 'DFA', \
     'curves-full.csv' using (column(14) > 0 ? column(14) : NaN):(100 - column(15)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#d62728' title 'LRA-E', \
     'curves-full.csv' using (column(17) > 0 ? column(17) : NaN):(100 - column(18)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#9467bd' title 'Align-prop', \
     'curves-full.csv' using (column(20) > 0 ? column(20) : NaN):(100 - column(21)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#e377c2' title 'Align-ada', \
     'curves-full.csv' using (column(23) > 0 ? column(23) : NaN):(100 - column(24)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#ff7f0e' title 'Align-zero', \
     'curves-full.csv' using (column(26) > 0 ? column(26) : NaN):(100 - column(27)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#8c564b' title 'DFC-SSA (fixed)'
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
plot 'curves-full.csv' using ($1+1):4 with linespoints lw 2 pt 7 lc rgb '#000000' title 'BP', \
     'curves-full.csv' using ($1+1):7 with linespoints lw 2 pt 7 lc rgb '#1f77b4' title 'FA', \
     'curves-full.csv' using ($1+1):10 with linespoints lw 2 pt 7 lc rgb '#17becf' title 'KP', \
     'curves-full.csv' using ($1+1):13 with linespoints lw 2 pt 7 lc rgb '#2ca02c' title 'DFA', \
     'curves-full.csv' using ($1+1):16 with linespoints lw 2 pt 7 lc rgb '#d62728' title 'LRA-E', \
     'curves-full.csv' using ($1+1):19 with linespoints lw 2 pt 7 lc rgb '#9467bd' title 'Align-prop', \
     'curves-full.csv' using ($1+1):22 with linespoints lw 2 pt 7 lc rgb '#e377c2' title 'Align-ada', \
     'curves-full.csv' using ($1+1):25 with linespoints lw 2 pt 7 lc rgb '#ff7f0e' title 'Align-zero', \
     'curves-full.csv' using ($1+1):28 with linespoints lw 2 pt 7 lc rgb '#8c564b' title 'DFC-SSA (fixed)'
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
plot 'curves-full.csv' using (column(29) > 0 ? column(29) : NaN):(100 - column(30)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#000000' title 'BP', \
     'curves-full.csv' using (column(32) > 0 ? column(32) : NaN):(100 - column(33)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#1f77b4' title 'FA', \
     'curves-full.csv' using (column(35) > 0 ? column(35) : NaN):(100 - column(36)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#17becf' title 'KP', \
     'curves-full.csv' using (column(38) > 0 ? column(38) : NaN):(100 - column(39)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#2ca02c' title 'DFA', \
     'curves-full.csv' using (column(41) > 0 ? column(41) : NaN):(100 - column(42)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#d62728' title 'LRA-E', \
     'curves-full.csv' using (column(44) > 0 ? column(44) : NaN):(100 - column(45)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#9467bd' title 'Align-prop', \
     'curves-full.csv' using (column(47) > 0 ? column(47) : NaN):(100 - column(48)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#e377c2' title 'Align-ada', \
     'curves-full.csv' using (column(50) > 0 ? column(50) : NaN):(100 - column(51)) with linespoints lw 2 pt 7 ps 0.5 lc rgb '#ff7f0e' title 'Align-zero'
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
plot 'curves-full.csv' using ($1+1):31 with linespoints lw 2 pt 7 lc rgb '#000000' title 'BP', \
     'curves-full.csv' using ($1+1):34 with linespoints lw 2 pt 7 lc rgb '#1f77b4' title 'FA', \
     'curves-full.csv' using ($1+1):37 with linespoints lw 2 pt 7 lc rgb '#17becf' title 'KP', \
     'curves-full.csv' using ($1+1):40 with linespoints lw 2 pt 7 lc rgb '#2ca02c' title 'DFA', \
     'curves-full.csv' using ($1+1):43 with linespoints lw 2 pt 7 lc rgb '#d62728' title 'LRA-E', \
     'curves-full.csv' using ($1+1):46 with linespoints lw 2 pt 7 lc rgb '#9467bd' title 'Align-prop', \
     'curves-full.csv' using ($1+1):49 with linespoints lw 2 pt 7 lc rgb '#e377c2' title 'Align-ada', \
     'curves-full.csv' using ($1+1):52 with linespoints lw 2 pt 7 lc rgb '#ff7f0e' title 'Align-zero'
set xrange [*:*]
set yrange [*:*]
set label 1 'not run' at graph 0.5, 0.5 center
set xrange [0:1]
set yrange [0:1]
unset logscale xy
unset xtics
unset ytics
set xlabel ''
set ylabel ''
set title 'tower MNIST: test error against training time (seed 1)'
plot -1 notitle
set title 'tower MNIST: angle of the update to the BP gradient at the end'
plot -1 notitle
unset label 1
set xrange [*:*]
set yrange [*:*]
set xtics
set ytics
set label 1 'not run' at graph 0.5, 0.5 center
set xrange [0:1]
set yrange [0:1]
unset logscale xy
unset xtics
unset ytics
set xlabel ''
set ylabel ''
set title 'tower F-MNIST: test error against training time (seed 1)'
plot -1 notitle
set title 'tower F-MNIST: angle of the update to the BP gradient at the end'
plot -1 notitle
unset label 1
set xrange [*:*]
set yrange [*:*]
set xtics
set ytics
unset multiplot
