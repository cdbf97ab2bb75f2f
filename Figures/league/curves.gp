# Rendered by: gnuplot curves.gp (run from this directory)
set terminal pngcairo size 1400,1900 noenhanced font 'Sans,11'
set output 'curves.png'
set datafile separator ','
set key autotitle columnhead
set grid lc rgb '#dddddd'
set multiplot layout 4,2 title 'League (quick scale): every rule at its chosen learning rate; MLP 784-256-256-256-10 tanh, and the invertible tower'
set key bottom right font ',8'
set title 'MLP MNIST: test accuracy against training time (seed 1)'
set xlabel 'training time (s)'
set ylabel 'test accuracy (%)'
set xtics auto
set autoscale
plot 'curves.csv' using 2:3 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#000000' title 'BP', \
     'curves.csv' using 5:6 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#1f77b4' title 'FA', \
     'curves.csv' using 8:9 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#17becf' title 'KP', \
     'curves.csv' using 11:12 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#2ca02c' title 'DFA', \
     'curves.csv' using 14:15 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#d62728' title 'LRA-E', \
     'curves.csv' using 17:18 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#9467bd' title 'Align-prop', \
     'curves.csv' using 20:21 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#e377c2' title 'Align-ada', \
     'curves.csv' using 23:24 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#ff7f0e' title 'Align-zero', \
     'curves.csv' using 26:27 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#8c564b' title 'DFC-SSA (fixed)', \
     'curves.csv' using 29:30 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#bcbd22' title 'DFC-SSA'
set title 'MLP MNIST: angle of the update to the BP gradient at the end'
set xlabel 'layer (4 = output)'
set ylabel 'angle (degrees)'
set xtics 1
set xrange [0.8:4.2]
set yrange [-3:100]
set key outside right top
plot 'curves.csv' using ($1+1):4 with linespoints lw 2 pt 7 lc rgb '#000000' title 'BP', \
     'curves.csv' using ($1+1):7 with linespoints lw 2 pt 7 lc rgb '#1f77b4' title 'FA', \
     'curves.csv' using ($1+1):10 with linespoints lw 2 pt 7 lc rgb '#17becf' title 'KP', \
     'curves.csv' using ($1+1):13 with linespoints lw 2 pt 7 lc rgb '#2ca02c' title 'DFA', \
     'curves.csv' using ($1+1):16 with linespoints lw 2 pt 7 lc rgb '#d62728' title 'LRA-E', \
     'curves.csv' using ($1+1):19 with linespoints lw 2 pt 7 lc rgb '#9467bd' title 'Align-prop', \
     'curves.csv' using ($1+1):22 with linespoints lw 2 pt 7 lc rgb '#e377c2' title 'Align-ada', \
     'curves.csv' using ($1+1):25 with linespoints lw 2 pt 7 lc rgb '#ff7f0e' title 'Align-zero', \
     'curves.csv' using ($1+1):28 with linespoints lw 2 pt 7 lc rgb '#8c564b' title 'DFC-SSA (fixed)', \
     'curves.csv' using ($1+1):31 with linespoints lw 2 pt 7 lc rgb '#bcbd22' title 'DFC-SSA'
set xrange [*:*]
set yrange [*:*]
set key inside bottom right
set title 'MLP F-MNIST: test accuracy against training time (seed 1)'
set xlabel 'training time (s)'
set ylabel 'test accuracy (%)'
set xtics auto
set autoscale
plot 'curves.csv' using 32:33 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#000000' title 'BP', \
     'curves.csv' using 35:36 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#1f77b4' title 'FA', \
     'curves.csv' using 38:39 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#17becf' title 'KP', \
     'curves.csv' using 41:42 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#2ca02c' title 'DFA', \
     'curves.csv' using 44:45 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#d62728' title 'LRA-E', \
     'curves.csv' using 47:48 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#9467bd' title 'Align-prop', \
     'curves.csv' using 50:51 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#e377c2' title 'Align-ada', \
     'curves.csv' using 53:54 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#ff7f0e' title 'Align-zero', \
     'curves.csv' using 56:57 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#8c564b' title 'DFC-SSA (fixed)', \
     'curves.csv' using 59:60 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#bcbd22' title 'DFC-SSA'
set title 'MLP F-MNIST: angle of the update to the BP gradient at the end'
set xlabel 'layer (4 = output)'
set ylabel 'angle (degrees)'
set xtics 1
set xrange [0.8:4.2]
set yrange [-3:100]
set key outside right top
plot 'curves.csv' using ($1+1):34 with linespoints lw 2 pt 7 lc rgb '#000000' title 'BP', \
     'curves.csv' using ($1+1):37 with linespoints lw 2 pt 7 lc rgb '#1f77b4' title 'FA', \
     'curves.csv' using ($1+1):40 with linespoints lw 2 pt 7 lc rgb '#17becf' title 'KP', \
     'curves.csv' using ($1+1):43 with linespoints lw 2 pt 7 lc rgb '#2ca02c' title 'DFA', \
     'curves.csv' using ($1+1):46 with linespoints lw 2 pt 7 lc rgb '#d62728' title 'LRA-E', \
     'curves.csv' using ($1+1):49 with linespoints lw 2 pt 7 lc rgb '#9467bd' title 'Align-prop', \
     'curves.csv' using ($1+1):52 with linespoints lw 2 pt 7 lc rgb '#e377c2' title 'Align-ada', \
     'curves.csv' using ($1+1):55 with linespoints lw 2 pt 7 lc rgb '#ff7f0e' title 'Align-zero', \
     'curves.csv' using ($1+1):58 with linespoints lw 2 pt 7 lc rgb '#8c564b' title 'DFC-SSA (fixed)', \
     'curves.csv' using ($1+1):61 with linespoints lw 2 pt 7 lc rgb '#bcbd22' title 'DFC-SSA'
set xrange [*:*]
set yrange [*:*]
set key inside bottom right
set title 'tower MNIST: test accuracy against training time (seed 1)'
set xlabel 'training time (s)'
set ylabel 'test accuracy (%)'
set xtics auto
set autoscale
plot 'curves.csv' using 62:63 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#000000' title 'BP', \
     'curves.csv' using 65:66 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#d62728' title 'GAIT-prop', \
     'curves.csv' using 68:69 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#1f77b4' title 'TP'
set title 'tower MNIST: angle of the update to the BP gradient at the end'
set xlabel 'layer (4 = output)'
set ylabel 'angle (degrees)'
set xtics 1
set xrange [0.8:4.2]
set yrange [-3:100]
set key outside right top
plot 'curves.csv' using ($1+1):64 with linespoints lw 2 pt 7 lc rgb '#000000' title 'BP', \
     'curves.csv' using ($1+1):67 with linespoints lw 2 pt 7 lc rgb '#d62728' title 'GAIT-prop', \
     'curves.csv' using ($1+1):70 with linespoints lw 2 pt 7 lc rgb '#1f77b4' title 'TP'
set xrange [*:*]
set yrange [*:*]
set key inside bottom right
set title 'tower F-MNIST: test accuracy against training time (seed 1)'
set xlabel 'training time (s)'
set ylabel 'test accuracy (%)'
set xtics auto
set autoscale
plot 'curves.csv' using 71:72 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#000000' title 'BP', \
     'curves.csv' using 74:75 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#d62728' title 'GAIT-prop', \
     'curves.csv' using 77:78 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#1f77b4' title 'TP'
set title 'tower F-MNIST: angle of the update to the BP gradient at the end'
set xlabel 'layer (4 = output)'
set ylabel 'angle (degrees)'
set xtics 1
set xrange [0.8:4.2]
set yrange [-3:100]
set key outside right top
plot 'curves.csv' using ($1+1):73 with linespoints lw 2 pt 7 lc rgb '#000000' title 'BP', \
     'curves.csv' using ($1+1):76 with linespoints lw 2 pt 7 lc rgb '#d62728' title 'GAIT-prop', \
     'curves.csv' using ($1+1):79 with linespoints lw 2 pt 7 lc rgb '#1f77b4' title 'TP'
set xrange [*:*]
set yrange [*:*]
set key inside bottom right
unset multiplot
